const serviceWebpackConfig = require('../../tools/build/service-webpack.config');

module.exports = serviceWebpackConfig(__dirname, 'delivery-notifications');
